-- Query 14: Calculation (not in the original suite).
-- Converts each bid's price from dollars to euros, classifies its time of
-- day and counts the 'c' characters of its extra field with a
-- user-defined function (registered in Go under the suite's class name),
-- keeping bids in a price range.
CREATE FUNCTION count_char AS 'com.github.nexmark.flink.udf.CountChar';

SELECT
    auction,
    bidder,
    0.908 * price AS price,
    CASE
        WHEN HOUR(dateTime) >= 8 AND HOUR(dateTime) <= 18 THEN 'dayTime'
        WHEN HOUR(dateTime) <= 6 OR HOUR(dateTime) >= 20 THEN 'nightTime'
        ELSE 'otherTime'
    END AS bidTimeType,
    dateTime,
    extra,
    count_char(extra, 'c') AS c_counts
FROM bid
WHERE 0.908 * price > 1000000 AND 0.908 * price < 50000000;
