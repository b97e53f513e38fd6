import { StrictMode } from "react";
import { createRoot } from "react-dom/client";
import { App } from "./App";
import { makeServices } from "./app/services";
import { loadConfig } from "./config";
import { startFirebase } from "./firebase";
import "./styles.css";

const root = createRoot(document.getElementById("root")!);

loadConfig()
  .then((config) => {
    const services = makeServices(config, startFirebase(config));
    root.render(
      <StrictMode>
        <App services={services} />
      </StrictMode>,
    );
  })
  .catch((error: Error) => {
    root.render(
      <div className="boot-error" role="alert">
        <h1>CineWeave could not start</h1>
        <p>{error.message}</p>
      </div>,
    );
  });
