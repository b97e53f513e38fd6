"""Adapters: the outside world (Firestore, object storage, the queue, the GPU backend, TrueLayer, auth) behind
the shapes the services use."""
