import { render, screen } from '@testing-library/react';
import App from './App';

/*
 * The whole app as a visitor first meets it: the guest sign-in page under the
 * configured title. It fails when the app cannot start (a broken extension,
 * a feature that throws, a bad config schema), which leaves a blank page.
 */
describe('App', () => {
  it('shows the guest sign-in page under the app title', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Meridian Test Portal' },
            backend: { baseUrl: 'http://localhost:7007' },
            techdocs: {
              storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
            },
          },
          context: 'test',
        },
      ] as any,
    };

    render(App.createRoot());

    expect(
      await screen.findByText('Meridian Test Portal', {}, { timeout: 30_000 }),
    ).toBeInTheDocument();
    // the guest provider's card, the only way in without a proxy in front
    expect(await screen.findByText('Guest')).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: /enter/i }),
    ).toBeInTheDocument();
  }, 60_000);
});
