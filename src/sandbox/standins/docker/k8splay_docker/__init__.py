"""k8splay sandbox stand-in for the Docker 18.06.1-ce client; see the docker launcher."""
