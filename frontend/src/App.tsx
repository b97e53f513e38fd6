import { BrowserRouter, Route, Routes } from "react-router-dom";
import { CreditsProvider } from "./app/credits";
import { JobLimitsProvider } from "./app/limits";
import { ServicesProvider, type Services } from "./app/services";
import { DocsShell } from "./components/DocsShell";
import { Layout } from "./components/Layout";
import { RequireUser } from "./components/RequireUser";
import { AccountPage } from "./pages/AccountPage";
import { AdminPage } from "./pages/AdminPage";
import { CreatePage } from "./pages/CreatePage";
import { DashboardPage } from "./pages/DashboardPage";
import { DocsPage } from "./pages/DocsPage";
import { JobPage } from "./pages/JobPage";
import { NotFoundPage } from "./pages/NotFoundPage";
import { SignInPage } from "./pages/SignInPage";

export function App({ services }: { services: Services }) {
  return (
    <ServicesProvider services={services}>
      <CreditsProvider>
        <BrowserRouter>
          <Routes>
            <Route path="/signin" element={<SignInPage />} />
            <Route element={<DocsShell />}>
              <Route path="/docs" element={<DocsPage />} />
            </Route>
            <Route element={<RequireUser><JobLimitsProvider><Layout /></JobLimitsProvider></RequireUser>}>
              <Route index element={<DashboardPage />} />
              <Route path="create" element={<CreatePage />} />
              <Route path="jobs/:jobId" element={<JobPage />} />
              <Route path="account" element={<AccountPage />} />
              <Route path="admin" element={<AdminPage />} />
              <Route path="*" element={<NotFoundPage />} />
            </Route>
          </Routes>
        </BrowserRouter>
      </CreditsProvider>
    </ServicesProvider>
  );
}
