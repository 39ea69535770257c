-- placeholder, replaced by the inventory work
SELECT 1;
