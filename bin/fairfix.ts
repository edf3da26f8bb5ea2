import { createApp, synthesizeChecked } from '../lib/app.ts';

synthesizeChecked(createApp().app);
