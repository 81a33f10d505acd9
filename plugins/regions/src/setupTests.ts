import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

/*
 * jsdom lays nothing out and has no ResizeObserver, so recharts'
 * ResponsiveContainer would fail, or measure 0 × 0 and draw no chart: report a
 * fixed size for every observed element instead.
 */
class FixedSizeResizeObserver {
  constructor(private readonly callback: ResizeObserverCallback) {}

  observe(target: Element) {
    const entry = { target, contentRect: { width: 800, height: 320 } };
    this.callback(
      [entry as unknown as ResizeObserverEntry],
      this as unknown as ResizeObserver,
    );
  }

  unobserve() {}

  disconnect() {}
}

global.ResizeObserver = FixedSizeResizeObserver;

// The lazy extensions of the new frontend system load a large module graph
// (the scaffolder's form fields among them) on a shared, busy CI machine.
configure({ asyncUtilTimeout: 5000 });

// LogViewer sizes its list with AutoSizer, which draws nothing at jsdom's
// 0 × 0: give it the size of a step's log box.
jest.mock('react-virtualized-auto-sizer', () => ({
  __esModule: true,
  default: (props: {
    children: (size: { height: number; width: number }) => unknown;
  }) => props.children({ height: 400, width: 800 }),
}));
