output "bucket" {
  description = "R2 bucket name (S3_BUCKET)."
  value       = cloudflare_r2_bucket.outputs.name
}

output "endpoint_url" {
  description = "R2 S3 API endpoint (S3_ENDPOINT_URL, also the worker's)."
  value       = local.r2_endpoint_url
}
