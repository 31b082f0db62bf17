// Package bench is tidings' benchmark suite: `go test -bench` targets in
// this folder and run.sh, which runs them and prints one table (`make
// bench`). It measures what decides a campaign's speed and memory:
//
//   - BenchmarkRender: check and preview over a generated 100,000-recipient
//     newsletter (5 KB HTML and 1 KB text, eight fields), against building
//     the same messages' MIME in process (the yardstick for check);
//   - BenchmarkSinks: which SMTP sink is faster, go-smtp's server with a
//     backend that discards everything or the hand-written Sink;
//   - BenchmarkSend: tidings send end to end, plain and pipelined (RFC 2920,
//     with DATA and with BDAT, RFC 3030), with 1 and 8 connections, on
//     loopback and behind a Proxy adding 10 ms and 50 ms of round-trip time
//     (messages per round trip for one connection), against a bare
//     pipelined client (BareSend) and the pool in process without and with
//     the journal and the report, to show where the time goes; send's
//     bound (check of the same campaign, then delivery at the bare client's
//     pace: what send would take were its delivery as fast as the bare
//     client) and send against it; and the CPU time a message costs send,
//     the sink and the bare client, with the rate the cores can carry at
//     send's cost (see reportCPU);
//   - BenchmarkSheetMemory: peak memory of check over a 1,000,000-row CSV and
//     a 200,000-row XLSX shaped like Excel's output, against excelize's bare
//     Rows() loop, and that no temporary file is left behind;
//   - BenchmarkSendMemory: peak memory of tidings send of the newsletter
//     to 10,000, 300,000 and 1,000,000 recipients (loopback, 8
//     connections), each a fresh campaign whose every row is spooled, and
//     the state folder it leaves: bytes a recipient, split into the spool,
//     the journal, report.csv, report.json and the report page; then, with
//     that journal full, send again (everyone sent) and report;
//   - BenchmarkSendAttachment: peak memory of tidings send when every
//     message carries a 6 MB attachment (100 recipients, without a rate
//     limit and at 25/s): messages held bounded by bytes, not by count;
//   - BenchmarkReportPage: the report page of a made-up 100,000-recipient
//     campaign in two runs: WritePage's time, memory and files, and how long
//     headless Chromium takes to show it from disk (charts, the first page of
//     the table, every row, a search);
//   - BenchmarkReportPageMemory: WritePage's time and Go heap (its peak in
//     use, and the most live) for 10,000, 300,000 and 1,000,000 recipients
//     whose rows come from a generator, so that only WritePage's memory
//     shows: flat in the number of rows.
//
// The CLI runs as a child process (built once per benchmark); its peak
// memory is the child's ru_maxrss and its CPU time the wrapper's rusage,
// both taken through a small wrapper process (see RunCommand). To take a
// case apart, run the binary with the hidden --cpu-profile FILE flag.
// Sizes come from environment knobs (see run.sh); without -bench only
// small smoke tests run. Everything stays on 127.0.0.1. NOTES.md keeps the
// earlier runs, what was tried and what each change did.
package bench
