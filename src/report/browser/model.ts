// The report as a typed model: the header facts and the four tabs, each tab's content a
// ViewNode tree. Built once by src/report/body.ts from a provisioningObjectSummary; written
// as HTML for the standalone file and sent as data to the VS Code panel, which renders the
// same tree with toDom. Both then run the same browser script (./report-script.ts).
import type { ViewNode } from './view';
import { View, view } from './view';

export const tabIds = ['steps', 'troubleshooting', 'modified', 'summary'] as const;
export type TabId = (typeof tabIds)[number];

export const panelId = (tab: TabId) => `sos-panel-${tab}`;
export const tabId = (tab: TabId) => `sos-tab-${tab}`;

export interface TabModel {
  id: TabId;
  title: string;
  /** A number shown beside the title (Modified Properties: how many). */
  count?: number;
  /** An alert beside the title (Troubleshooting after a failure or warning): its accessible text. */
  alert?: string;
  content: ViewNode[];
}

export interface ReportModel {
  /** "Alice Wu · Preview · Failure": the panel's and the file's title. */
  title: string;
  displayName: string;
  distinguishedName?: string;
  status: string;
  /** Preview (staging mode) or Sync (export). */
  mode: 'Preview' | 'Sync';
  /** The header line: status badge, action, time, duration, staging note. */
  headline: ViewNode[];
  /** The tab the report opens on: Troubleshooting after a failure or warning, else Steps. */
  initialTab: TabId;
  tabs: TabModel[];
  footer: ViewNode[];
}

/** The whole report (header, tab bar, panels, footer) as one tree, for the file and the panel. */
export function reportView(model: ReportModel, options: { header?: boolean } = {}): View {
  const header = options.header ?? true;
  return view`<div class="sos-report" data-initial-tab="${model.initialTab}">
${header ? view`<header class="sos-header">
<h1>Single Object Sync result</h1>
<p class="sos-subject"><span class="sos-v sos-subject-name">${model.displayName}</span>${model.distinguishedName ? view` <span class="sos-muted sos-v">${model.distinguishedName}</span>` : null}</p>
<p class="sos-headline">${nodes(model.headline)}</p>
</header>` : null}
<nav class="sos-tabs" aria-label="Report sections">${model.tabs.map((t) => view`<a class="sos-tab" id="${tabId(t.id)}" href="#${panelId(t.id)}" data-tab="${t.id}"><span class="sos-tab-title">${t.title}</span>${t.count !== undefined ? view` <span class="sos-tab-count" aria-label="${t.count} items">${t.count}</span>` : null}${t.alert ? view` <span class="sos-tab-alert" role="img" aria-label="${t.alert}" title="${t.alert}">!</span>` : null}</a>`)}</nav>
${model.tabs.map((t) => view`<section class="sos-panel" id="${panelId(t.id)}" aria-labelledby="${tabId(t.id)}" data-tab="${t.id}">
<h2 class="sos-panel-title">${t.title}</h2>
${nodes(t.content)}
</section>`)}
<footer class="sos-footer sos-muted">${nodes(model.footer)}</footer>
</div>`;
}

// Plain nodes nest as a fragment (never re-read as markup).
const nodes = (list: ViewNode[]) => new View(list);
