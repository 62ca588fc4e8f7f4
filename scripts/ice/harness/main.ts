// Harness for scripts/ice/components-check.mjs: mounts the ICE components with data from the
// captured Chromium sessions (tests/fixtures/ice), so they can be checked in a real browser.
import { mount } from 'svelte';
import '../../../src/styles/global.css';
import App from './App.svelte';

mount(App, { target: document.getElementById('app')! });
