// The API reference, rendered by Redoc. Loaded on its own (React.lazy in DocsPage): Redoc and its styled-
// components and MobX are most of a megabyte that no other page needs.
import { RedocStandalone } from "redoc";

const FONT = `"Inter", "Segoe UI", system-ui, -apple-system, sans-serif`;

const OPTIONS = {
  // The app's header is sticky: Redoc's menu and its links to sections sit below it.
  scrollYOffset: () => document.querySelector(".topbar")?.getBoundingClientRect().height ?? 0,
  hideHostname: true,
  expandResponses: "200,201",
  jsonSampleExpandLevel: 3,
  theme: {
    colors: { primary: { main: "#7c3aed" } },
    typography: { fontFamily: FONT, headings: { fontFamily: FONT }, code: { fontFamily: `ui-monospace, Menlo, monospace` } },
    sidebar: { backgroundColor: "#f5f2fb" },
    rightPanel: { backgroundColor: "#1d1430" },
  },
};

export default function ApiReference({ spec }: { spec: object }) {
  return <RedocStandalone spec={spec} options={OPTIONS} />;
}
