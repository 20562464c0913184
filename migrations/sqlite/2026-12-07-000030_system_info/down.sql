DROP TABLE entitlements;
DROP TABLE device_inventories;
