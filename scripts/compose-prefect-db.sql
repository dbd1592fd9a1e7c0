-- compose.yaml: the Prefect server's own database, next to ours, made on the first start.
CREATE DATABASE prefect OWNER rechtenloket;
