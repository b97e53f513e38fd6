# The secrets the functions read. Terraform creates the secrets only: their values (versions) are added with
# gcloud outside Terraform, so no secret value is ever in a plan or in the state (see terraform/README.md).
locals {
  secrets = {
    runpod_api_key = {
      env         = "RUNPOD_API_KEY"
      description = "RunPod API key allowed to run and read jobs on the CineWeave endpoint."
    }
    webhook_token_secret = {
      env         = "WEBHOOK_TOKEN_SECRET"
      description = "HS256 key of the per-job tokens in RunPod webhook URLs (random, at least 32 characters)."
    }
    internal_task_secret = {
      env         = "INTERNAL_TASK_SECRET"
      description = "Shared secret of the local stack's internal calls; production requires a random value of at least 32 characters."
    }
    r2_secret_access_key = {
      env         = "S3_SECRET_ACCESS_KEY"
      description = "Secret access key of the R2 API token (object read and write on the outputs bucket)."
    }
    truelayer_client_secret = {
      env         = "TRUELAYER_CLIENT_SECRET"
      description = "TrueLayer client secret."
    }
    truelayer_signing_private_key = {
      env         = "TRUELAYER_SIGNING_PRIVATE_KEY"
      description = "PEM of the EC P-521 private key that signs requests to TrueLayer."
    }
    moderation_audit_salt = {
      env         = "MODERATION_AUDIT_SALT"
      description = "Key of the hash of refused prompts kept in moderationEvents (random, at least 32 characters)."
    }
  }
}

resource "google_secret_manager_secret" "this" {
  for_each = local.secrets

  project   = var.project_id
  secret_id = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  labels    = merge(var.labels, { env-var = lower(replace(each.value.env, "_", "-")) })

  annotations = {
    description = each.value.description
  }

  replication {
    auto {}
  }

  depends_on = [google_project_service.this]
}
