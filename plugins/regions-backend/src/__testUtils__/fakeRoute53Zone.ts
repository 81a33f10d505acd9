import { http, HttpResponse } from 'msw';

const ROUTE53 = 'https://route53.amazonaws.com/2013-04-01';
const NS = 'https://route53.amazonaws.com/doc/2013-04-01/';

/** One resource record set, as the fake zone keeps it. */
export interface RecordSet {
  name: string;
  type: string;
  ttl: string;
  setIdentifier?: string;
  weight?: string;
  values: string[];
}

const xml = (body: string, status = 200) =>
  new HttpResponse(`<?xml version="1.0" encoding="UTF-8"?>\n${body}`, {
    status,
    headers: { 'content-type': 'text/xml' },
  });

const tag = (body: string, name: string) =>
  new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1];

const sameSet = (a: RecordSet, b: RecordSet) =>
  JSON.stringify(a) === JSON.stringify(b);

/**
 * A hosted zone as Route 53 keeps it: change batches applied all or nothing,
 * a DELETE that must match the set exactly, and no simple set next to weighted
 * sets of the same name and type.
 */
export function fakeRoute53Zone(zoneId: string, initial: RecordSet[]) {
  let sets = initial;
  const batches: string[] = [];
  const invalid = (message: string) =>
    xml(
      `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>InvalidChangeBatch</Code><Message>[${message}]</Message></Error><RequestId>1</RequestId></ErrorResponse>`,
      400,
    );
  const handlers = [
    http.post(`${ROUTE53}/hostedzone/${zoneId}/rrset`, async ({ request }) => {
      const body = await request.text();
      batches.push(body);
      let next = [...sets];
      for (const [, change] of body.matchAll(/<Change>(.*?)<\/Change>/gs)) {
        const set: RecordSet = {
          name: tag(change, 'Name')!,
          type: tag(change, 'Type')!,
          ttl: tag(change, 'TTL')!,
          ...(tag(change, 'SetIdentifier') !== undefined
            ? {
                setIdentifier: tag(change, 'SetIdentifier'),
                weight: tag(change, 'Weight'),
              }
            : {}),
          values: [...change.matchAll(/<Value>([^<]*)<\/Value>/g)].map(
            m => m[1],
          ),
        };
        const same = (other: RecordSet) =>
          other.name === set.name &&
          other.type === set.type &&
          other.setIdentifier === set.setIdentifier;
        const action = tag(change, 'Action');
        if (action === 'DELETE') {
          if (!next.some(other => sameSet(other, set))) {
            return invalid(
              `Tried to delete resource record set [name='${set.name}', type='${set.type}'] but the values provided do not match the current values`,
            );
          }
          next = next.filter(other => !sameSet(other, set));
        } else {
          next = [...next.filter(other => !same(other)), set];
        }
      }
      const conflict = next.find(
        simple =>
          simple.setIdentifier === undefined &&
          next.some(
            other =>
              other.setIdentifier !== undefined &&
              other.name === simple.name &&
              other.type === simple.type,
          ),
      );
      if (conflict) {
        return invalid(
          `RRSet of type ${conflict.type} with DNS name ${conflict.name} is not permitted because a conflicting RRSet of type ${conflict.type} with the same DNS name already exists in zone meridian.dev.`,
        );
      }
      sets = next;
      return xml(
        `<ChangeResourceRecordSetsResponse xmlns="${NS}"><ChangeInfo><Id>/change/C1</Id><Status>INSYNC</Status><SubmittedAt>2026-12-07T00:10:00.000Z</SubmittedAt></ChangeInfo></ChangeResourceRecordSetsResponse>`,
      );
    }),
    http.get(`${ROUTE53}/hostedzone/${zoneId}/rrset`, () => {
      const listed = [...sets].sort((a, b) =>
        (a.setIdentifier ?? '').localeCompare(b.setIdentifier ?? ''),
      );
      return xml(
        `<ListResourceRecordSetsResponse xmlns="${NS}"><ResourceRecordSets>${listed
          .map(
            set =>
              `<ResourceRecordSet><Name>${set.name}</Name><Type>${
                set.type
              }</Type>${
                set.setIdentifier !== undefined
                  ? `<SetIdentifier>${set.setIdentifier}</SetIdentifier><Weight>${set.weight}</Weight>`
                  : ''
              }<TTL>${set.ttl}</TTL><ResourceRecords>${set.values
                .map(
                  v => `<ResourceRecord><Value>${v}</Value></ResourceRecord>`,
                )
                .join('')}</ResourceRecords></ResourceRecordSet>`,
          )
          .join(
            '',
          )}</ResourceRecordSets><IsTruncated>false</IsTruncated><MaxItems>100</MaxItems></ListResourceRecordSetsResponse>`,
      );
    }),
  ];
  return { handlers, batches, sets: () => sets };
}
