import { useEffect, useRef, useState, type DragEvent } from "react";
import type { JobLimits } from "../api/types";
import { useApi } from "../app/services";
import { Notice } from "../components/Notice";
import { ProgressBar } from "../components/ProgressBar";
import { fileSize, imageTypes } from "../format";
import { checkImage, putWithProgress } from "./upload";

interface Props {
  limits: JobLimits["upload"];
  imageKey: string | null;
  onChange: (imageKey: string | null) => void;
  onBusy: (busy: boolean) => void;
  /** The id of a refusal of the uploaded image shown beside the picker; the picker's controls point at it. */
  describedBy?: string;
}

/** Drag-and-drop or pick an image; it is checked here, then uploaded straight to storage. */
export function ImagePicker({ limits, imageKey, onChange, onBusy, describedBy }: Props) {
  const api = useApi();
  const input = useRef<HTMLInputElement>(null);
  const [preview, setPreview] = useState<string | null>(null);
  const [name, setName] = useState("");
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);
  // Each pick counts; an upload that finishes after a newer pick or a removal must not attach its image.
  const attempt = useRef(0);

  useEffect(() => () => { if (preview) URL.revokeObjectURL(preview); }, [preview]);

  const take = async (file: File | undefined) => {
    if (!file) return;
    const problem = checkImage(file, limits);
    setError(problem);
    if (problem) return;
    const mine = ++attempt.current;
    onChange(null);
    setName(`${file.name} · ${fileSize(file.size)}`);
    setPreview(URL.createObjectURL(file));
    setProgress(0);
    onBusy(true);
    try {
      const upload = await api.createUpload(file.type, file.size);
      await putWithProgress(upload.uploadUrl, file, (fraction) => { if (mine === attempt.current) setProgress(fraction); });
      if (mine === attempt.current) onChange(upload.imageKey);
    } catch (exc) {
      if (mine !== attempt.current) return;
      setError((exc as Error).message);
      setPreview(null);
      setProgress(null);
    } finally {
      if (mine === attempt.current) onBusy(false);
    }
  };

  const drop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void take(event.dataTransfer.files[0]);
  };

  const clear = () => {
    attempt.current++;
    onChange(null);
    onBusy(false);
    setPreview(null);
    setProgress(null);
    setError(null);
    if (input.current) input.current.value = "";
  };

  return (
    <div className="image-picker">
      <div className={`dropzone ${dragging ? "dragging" : ""}`} data-testid="dropzone"
        onDragOver={(e) => { e.preventDefault(); setDragging(true); }} onDragLeave={() => setDragging(false)} onDrop={drop}>
        {preview ? (
          <div className="dropzone-preview">
            <img src={preview} alt="Starting image" />
            <div>
              <p className="small">{name}</p>
              {progress !== null && progress < 1 && <ProgressBar value={progress} label="Upload progress" />}
              {imageKey && <p className="small ok">Uploaded — the video starts from this image.</p>}
              <button type="button" className="link-button" onClick={clear} aria-describedby={describedBy}>Remove image</button>
            </div>
          </div>
        ) : (
          <p>
            Drop an image here to start from it, or{" "}
            <button type="button" className="link-button" onClick={() => input.current?.click()} aria-describedby={describedBy}>
              choose a file
            </button>
            <span className="muted small"> · {imageTypes(limits.contentTypes)} up to {fileSize(limits.maxBytes)}</span>
          </p>
        )}
        <input ref={input} type="file" hidden accept={limits.contentTypes.join(",")} aria-label="Starting image"
          aria-invalid={describedBy ? true : undefined} aria-describedby={describedBy}
          onChange={(e) => void take(e.target.files?.[0])} />
      </div>
      <Notice>{error}</Notice>
    </div>
  );
}
