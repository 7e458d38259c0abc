-- bench/http.sh's wrk script: the run's totals as one line (exact counts, not wrk's rounded
-- human units): requests, bytes read (headers included), microseconds, errors by kind, and the
-- latency's median and 99th percentile.
done = function(summary, latency, requests)
    local e = summary.errors
    io.write(string.format(
        "summary: requests %d bytes %d duration_us %d connect %d read %d write %d status %d timeout %d p50_us %d p99_us %d\n",
        summary.requests, summary.bytes, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
        latency:percentile(50), latency:percentile(99)))
end
