// For the repository-wide `tsc`, which does not read .vue files (vue-tsc checks App.vue itself).
declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
