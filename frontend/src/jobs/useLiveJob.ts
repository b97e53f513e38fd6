// One job, kept current: the user's own job document through Firestore's onSnapshot (the rules allow
// it), the API view for what the document lacks, and polling when the live channel is unavailable.
import { useCallback, useEffect, useRef, useState } from "react";
import type { Job } from "../api/types";
import { useServices } from "../app/services";
import { isUnfinished, mergeLiveDocument, needsApiView, type JobDocument } from "./liveJob";

const POLL_MS = 2000;
// Progress lives with the GPU backend: a viewer's GET pulls it into the job document (at most every 3 s
// per job), and the document's snapshot then brings it here.
const ON_GPU_PULL_MS = 3000;
const QUEUE_POLL_MS = 5000; // the queue position moves with other people's jobs, not with this document

export type LiveMode = "connecting" | "live" | "polling";

export function useLiveJob(jobId: string) {
  const { api, firebase } = useServices();
  const [job, setJob] = useState<Job | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [mode, setMode] = useState<LiveMode>("connecting");
  const jobRef = useRef<Job | null>(null);

  const show = useCallback((next: Job) => {
    jobRef.current = next;
    setJob(next);
  }, []);

  const fetchView = useCallback(async () => {
    try {
      show(await api.job(jobId));
      setError(null);
    } catch (exc) {
      setError((exc as Error).message);
    }
  }, [api, jobId, show]);

  useEffect(() => {
    jobRef.current = null;
    setJob(null);
    setMode("connecting");
    void fetchView();
    let unsubscribe = () => {};
    let stopped = false;
    const onData = (data: Record<string, unknown> | null) => {
      setMode("live");
      const current = jobRef.current;
      if (!data) return;
      if (!current) {
        void fetchView(); // the first view may still be in flight and older than this document
        return;
      }
      const live = data as JobDocument;
      if (needsApiView(current, live)) void fetchView();
      show(mergeLiveDocument(current, live));
    };
    // Permission or network trouble: the API still answers, so poll it instead.
    const fallBack = () => setMode("polling");
    firebase.liveDocuments().then((docs) => {
      if (!stopped) unsubscribe = docs.watch("jobs", jobId, onData, fallBack);
    }, fallBack);
    return () => {
      stopped = true;
      unsubscribe();
    };
  }, [firebase, jobId, fetchView, show]);

  const status = job?.status;
  useEffect(() => {
    if (!status || !isUnfinished(status)) return;
    const every = mode === "polling" ? POLL_MS : status === "queued" ? QUEUE_POLL_MS : ON_GPU_PULL_MS;
    const timer = window.setInterval(() => void fetchView(), every);
    return () => window.clearInterval(timer);
  }, [mode, status, fetchView]);

  return { job, error, mode, refresh: fetchView, replace: show };
}
