-- Query 13: Bounded Side Input Join (not in the original suite).
-- Joins the stream of bids to a bounded side input, a file of 10,000
-- rows, modeling basic stream enrichment: a lookup join at processing
-- time.
CREATE TABLE side_input (
    key BIGINT,
    `value` VARCHAR
) WITH (
    'connector' = 'filesystem',
    'path' = '${DIR}/side_input.csv',
    'format' = 'csv'
);

SELECT
    B.auction,
    B.bidder,
    B.price,
    B.dateTime,
    S.`value`
FROM (SELECT *, PROCTIME() AS p_time FROM bid) B
JOIN side_input FOR SYSTEM_TIME AS OF B.p_time AS S
ON mod(B.auction, 10000) = S.key;
