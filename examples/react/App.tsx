// The elements from React 19: `<hearth-circle>` is an ordinary JSX tag whose props and `onhearth-*` events
// are typed by `@hearth/elements/react`, and whose events update React state.
import type {} from '@hearth/elements/react';
import { useState } from 'react';
import type { ConnectionStatus } from '@hearth/core';

type Theme = 'auto' | 'light' | 'dark';

export function App() {
  const [status, setStatus] = useState<ConnectionStatus>('initial');
  const [sent, setSent] = useState<string[]>([]);
  const [theme, setTheme] = useState<Theme>('auto');

  return (
    <>
      <header>
        <p>
          <a href="/">Hearth</a> › examples
        </p>
        <h1>Hearth in React</h1>
        <p>
          A React 19 app built with Vite. The circle is the <code>&lt;hearth-circle&gt;</code> element; React gives it
          props and listens to its events. Source: <a href="/react/App.tsx"><code>examples/react/App.tsx</code></a>.
        </p>
      </header>
      <main>
        <p className="bar">
          <span>
            Connection: <output id="react-status">{status}</output>
          </span>
          <span>
            Sent from this page: <output id="react-sent">{sent.length}</output>
          </span>
          <label>
            Theme{' '}
            <select value={theme} onChange={(event) => setTheme(event.target.value as Theme)}>
              <option value="auto">follow the system</option>
              <option value="light">light</option>
              <option value="dark">dark</option>
            </select>
          </label>
        </p>
        <hearth-circle
          circle="demo"
          thread="/react/"
          threadTitle="From the React example"
          theme={theme}
          onhearth-status={(event) => setStatus(event.detail.status)}
          onhearth-send={(event) => setSent((ids) => [...ids, event.detail.messageId])}
        />
      </main>
    </>
  );
}
