-- Query 6: Average Selling Price by Seller.
-- The average selling price per seller over their last auctions: for each
-- auction with bids, its highest bid averaged with those of the seller's
-- 10 auctions before it (the suite's frame), ordered by when the
-- auctions close.
--
-- Flink cannot run the suite's text: its inner query selects B.dateTime
-- without grouping by it, and Flink has no OVER aggregation over an
-- updating input. This version orders by the auction's expiry, and Eddy
-- keeps the OVER aggregation of the updating highest bids up to date as a
-- retract stream.
SELECT
    Q.seller,
    AVG(Q.final) OVER
        (PARTITION BY Q.seller ORDER BY Q.dateTime ROWS BETWEEN 10 PRECEDING AND CURRENT ROW) AS avgPrice
FROM (
    SELECT MAX(B.price) AS final, A.seller, A.expires AS dateTime
    FROM auction AS A, bid AS B
    WHERE A.id = B.auction AND B.dateTime BETWEEN A.dateTime AND A.expires
    GROUP BY A.id, A.seller, A.expires
) AS Q;
