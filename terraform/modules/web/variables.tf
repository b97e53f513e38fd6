variable "project_id" {
  description = "Google Cloud project (also the Firebase project the web app signs in with)."
  type        = string
}

variable "name_prefix" {
  description = "Prefix of the bucket name."
  type        = string
}

variable "location" {
  description = "Location of the web bucket (a region or multi-region)."
  type        = string
}

variable "labels" {
  description = "Labels on the bucket."
  type        = map(string)
  default     = {}
}

variable "dist_dir" {
  description = "The built web app (frontend/dist, from `make web`); every file except source maps is uploaded."
  type        = string
}

variable "firebase_api_key" {
  description = "Web API key of the Firebase project (Firebase console, project settings); public by design."
  type        = string

  validation {
    condition     = length(var.firebase_api_key) > 0
    error_message = "firebase_api_key is required: the web app cannot sign in without it."
  }
}

variable "firebase_auth_domain" {
  description = "Firebase Auth domain, usually <project>.firebaseapp.com."
  type        = string
}

variable "firebase_app_id" {
  description = "App id of the registered Firebase web app."
  type        = string
}

variable "google_sign_in" {
  description = "Show \"Sign in with Google\" (enable the Google provider in Firebase Auth first)."
  type        = bool
  default     = false
}
