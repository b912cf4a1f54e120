// The page's script: a language Hearth does not ship (German, partly: missing strings fall back to
// English), and switches that set the element's `theme` and `lang` attributes live.
import { registerLanguage } from '/hearth.js';

registerLanguage('de', {
  'status.connecting': 'Verbinde…',
  'status.reconnecting': 'Verbindung verloren. Verbinde erneut…',
  'status.disconnected': 'Getrennt.',
  'join.title': '{circle} beitreten',
  'join.titleUnnamed': 'Diesem Kreis beitreten',
  'join.intro': 'Dies ist ein kleiner, privater Kreis. Mitglieder sehen die Nachrichten der anderen; nichts hier ist öffentlich.',
  'join.code': 'Einladungscode',
  'join.codeHelp': 'Aus dem Einladungslink, den du bekommen hast.',
  'join.useToken': 'Ich habe stattdessen ein Mitglieds-Token',
  'join.useCode': 'Ich habe stattdessen einen Einladungscode',
  'join.token': 'Mitglieds-Token',
  'join.name': 'Anzeigename',
  'join.nameHelp': 'Ein Pseudonym genügt. Keine E-Mail nötig.',
  'join.norms': 'Die Regeln des Kreises',
  'join.accept': 'Ich habe die Regeln gelesen und nehme sie an',
  'join.submit': 'Beitreten',
  'join.joining': 'Trete bei…',
  'circle.discussion': 'Diskussion',
  'circle.members': 'Mitglieder',
  'circle.moderation': 'Moderation',
  'thread.empty': 'Noch keine Nachrichten. Sag hallo.',
  'composer.label': 'Eine Nachricht schreiben',
  'composer.placeholder': 'Eine Nachricht schreiben… (Enter zum Senden, Umschalt+Enter für eine neue Zeile)',
  'composer.send': 'Senden',
});

const circle = document.querySelector('hearth-circle');
const switches = document.querySelector('#switches');
switches.addEventListener('change', (event) => {
  const { name, value } = event.target;
  if (name === 'theme' || name === 'lang') circle.setAttribute(name, value);
});
