-- wrk script measuring the replay server's own rate: IAM GetAccountSummary in a synthesised member account.
--   python3 bench/replay_server.py --accounts 1000 --latency-ms 0 --port 18090 &
--   wrk -t2 -c32 -d10s -s bench/wrk_post.lua http://127.0.0.1:18090/
wrk.method = "POST"
wrk.body = "Action=GetAccountSummary&Version=2010-05-08"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
wrk.headers["Authorization"] = "AWS4-HMAC-SHA256 Credential=ASIA900000000001BNCH/20261201/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0"
