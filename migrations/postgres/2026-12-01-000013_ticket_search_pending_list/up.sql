-- New tickets reach the search index through its pending list, which every search reads in full
-- until it is merged (by the insert that fills it, or by VACUUM). At the default limit of 4 MB a
-- busy tenant's searches read up to ~500 pending pages each: after 16,000 creations, 277 pages
-- and 88 searches a second for "printer jams" on the benchmark database; at 256 kB, 14 pages and
-- 160 a second, with creation unchanged (1,059 and 1,050 a second).
ALTER INDEX tickets_search_idx SET (gin_pending_list_limit = 256);
