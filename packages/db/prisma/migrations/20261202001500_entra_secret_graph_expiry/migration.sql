-- The client secret's expiry as read from the app registration in Graph (when the app may read it), and when it
-- was last read, so the expiry reminder works without a typed date and Graph is asked at most once a day.
ALTER TABLE "entra_connections" ADD COLUMN "client_secret_graph_expires_at" TIMESTAMP(3);
ALTER TABLE "entra_connections" ADD COLUMN "client_secret_graph_read_at" TIMESTAMP(3);
