// Image checks before anything is sent, and the presigned PUT with progress (fetch cannot report upload
// progress; XMLHttpRequest can).
import type { JobLimits } from "../api/types";
import { fileSize, imageTypes } from "../format";

export function checkImage(file: File, limits: JobLimits["upload"]): string | null {
  if (!limits.contentTypes.includes(file.type)) {
    return `${file.name} is not a ${imageTypes(limits.contentTypes)} image.`;
  }
  if (file.size === 0) return `${file.name} is empty.`;
  if (file.size > limits.maxBytes) {
    return `${file.name} is ${fileSize(file.size)}; images can be at most ${fileSize(limits.maxBytes)}.`;
  }
  return null;
}

export function putWithProgress(url: string, file: File, onProgress: (fraction: number) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open("PUT", url);
    request.setRequestHeader("Content-Type", file.type);
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    request.onload = () => {
      if (request.status >= 200 && request.status < 300) {
        onProgress(1);
        resolve();
      } else {
        reject(new Error(`The image upload was refused (HTTP ${request.status}); please try again.`));
      }
    };
    request.onerror = () => reject(new Error("The image upload failed; check your connection and try again."));
    request.send(file);
  });
}
