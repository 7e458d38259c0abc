// What the host's console sink (host_platform.cpp) wrote, line after line, and how often the
// line lock yielded.
#pragma once

#include <atomic>
#include <string>

extern std::string host_console;
extern std::atomic<long> host_yields;
