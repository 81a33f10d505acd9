import '@backstage/cli/asset-types';
import ReactDOM from 'react-dom/client';
import App from './App';
import '@backstage/ui/css/styles.css';

const root = ReactDOM.createRoot(document.getElementById('root')!);
// The e2e run's legacy frontend system harness (src/legacy): development
// builds only, so a production bundle leaves it out altogether.
if (
  process.env.NODE_ENV !== 'production' &&
  window.location.pathname.startsWith('/legacy')
) {
  import('./legacy/LegacyApp').then(({ default: LegacyRoot }) =>
    root.render(<LegacyRoot />),
  );
} else {
  root.render(App.createRoot());
}
