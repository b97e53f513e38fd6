// ESLint for the web app, its tests and its build files: the core recommended rules, typescript-eslint's
// recommended rules with type information, and the React hooks rules with missing effect dependencies as
// errors. `npm run lint` (and make test-web) fails on any finding, warnings included.
import js from "@eslint/js";
import reactHooks from "eslint-plugin-react-hooks";
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["dist/", "test-results/", "node_modules/", "playwright-report/"]),
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: "error" },
  },
  {
    // The two classic hooks rules; the React Compiler rules in the plugin's recommended set are not enabled.
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      "react-hooks/rules-of-hooks": "error",
      "react-hooks/exhaustive-deps": "error",
    },
  },
  // This file is plain JavaScript outside tsconfig.json: no type information for it.
  { files: ["**/*.js"], extends: [tseslint.configs.disableTypeChecked] },
);
