-- Query 19: auction Top-N by price.
SELECT * FROM (
    SELECT *, ROW_NUMBER() OVER (PARTITION BY auction ORDER BY price DESC) AS rank_number
    FROM bid)
WHERE rank_number <= 10;
