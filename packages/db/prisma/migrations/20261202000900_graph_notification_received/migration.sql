-- When a verified change notification last arrived on a subscription: the portal's "last change received".
ALTER TABLE "graph_subscriptions" ADD COLUMN "last_notification_at" TIMESTAMP(3);
