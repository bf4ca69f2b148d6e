-- Query 10: Log to File System (not in the original suite).
-- Writes every bid to files partitioned by day and by hour and minute: a
-- job that archives the stream.
CREATE TABLE fs_sink (
    auction BIGINT,
    bidder BIGINT,
    price BIGINT,
    dateTime TIMESTAMP(3),
    extra VARCHAR,
    dt STRING,
    hm STRING
) PARTITIONED BY (dt, hm) WITH (
    'connector' = 'filesystem',
    'path' = '${DIR}/q10',
    'format' = 'csv',
    'sink.partition-commit.trigger' = 'process-time',
    'sink.partition-commit.delay' = '0',
    'sink.partition-commit.policy.kind' = 'success-file'
);

INSERT INTO fs_sink
SELECT auction, bidder, price, dateTime, extra, DATE_FORMAT(dateTime, 'yyyy-MM-dd'), DATE_FORMAT(dateTime, 'HH:mm')
FROM bid;
