// JSX types for the Hearth elements in React 19. Once in an app — `import type {} from '@hearth/elements/react'`
// (or list `@hearth/elements/react` in tsconfig `types`) — and `<hearth-circle>` and its siblings take their
// properties with the elements' own types, and `onhearth-*` handlers whose `event.detail` is typed.
//
// How React 19 treats custom elements: a prop the element has as a property is set as that property (so
// objects like `client` and camelCase names like `threadTitle` work: register the elements before React
// renders them), and a prop `on<name>` adds a listener for the event `<name>`, e.g. `onhearth-send`.
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type {
  HearthCircleElement,
  HearthComposerElement,
  HearthElement,
  HearthEvent,
  HearthEventName,
  HearthJoinElement,
  HearthMembersElement,
  HearthMessageElement,
  HearthModerationElement,
  HearthStatusElement,
  HearthThreadElement,
  HearthThreadListElement,
} from '@hearth/elements';

/** An `on<event>` handler for each `hearth-*` event, with its detail typed. */
export type HearthEventProps = { [K in HearthEventName as `on${K}`]?: (event: HearthEvent<K>) => void };

/**
 * The props of a Hearth element: the named properties of its class (with their types), what every Hearth
 * element has (`client`, `theme`, `lang`), its events, and the usual HTML attributes.
 */
export type HearthElementProps<E extends HearthElement, K extends keyof E = never> = Partial<Pick<E, K | 'client' | 'theme' | 'lang'>> &
  HearthEventProps &
  DetailedHTMLProps<HTMLAttributes<E>, E>;

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'hearth-circle': HearthElementProps<HearthCircleElement, 'server' | 'circle' | 'thread' | 'threadTitle' | 'invite' | 'ssoToken' | 'norms'>;
      'hearth-join': HearthElementProps<HearthJoinElement, 'invite' | 'ssoToken' | 'circleName' | 'norms'>;
      'hearth-thread-list': HearthElementProps<HearthThreadListElement, 'selected' | 'noCreate'>;
      'hearth-thread': HearthElementProps<HearthThreadElement, 'threadId' | 'threadKey' | 'threadTitle' | 'hideTitle'>;
      'hearth-message': HearthElementProps<HearthMessageElement, 'message' | 'author' | 'me' | 'reactions' | 'replyMessage' | 'replyAuthor' | 'now'>;
      'hearth-composer': HearthElementProps<HearthComposerElement, 'threadId' | 'threadKey' | 'threadTitle' | 'replyTo'>;
      'hearth-members': HearthElementProps<HearthMembersElement>;
      'hearth-moderation': HearthElementProps<HearthModerationElement>;
      'hearth-status': HearthElementProps<HearthStatusElement>;
    }
  }
}
