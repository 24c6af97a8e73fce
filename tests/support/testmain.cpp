// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "testmain.h"

#include <QDir>
#include <QStandardPaths>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>

#include <unistd.h>

namespace ferry::test {

void prepareEnvironment()
{
    qputenv("QT_QPA_PLATFORM", "offscreen");
    qputenv("QT_FONT_DPI", "96");
    qputenv("QT_SCALE_FACTOR", "1");
    // A developer's proxy settings must not route loopback test traffic anywhere.
    qunsetenv("http_proxy");
    qunsetenv("https_proxy");
    qunsetenv("HTTP_PROXY");
    qunsetenv("HTTPS_PROXY");
}

QString fixturesDir()
{
    const QString dir = qEnvironmentVariable("FERRY_FIXTURES_DIR");
    return !dir.isEmpty() && QDir(dir).exists() ? QDir(dir).absolutePath() : QString();
}

QString supportDir()
{
    return QStringLiteral(FERRY_TEST_SUPPORT_DIR);
}

QString ferryctlPath()
{
    return qEnvironmentVariable("FERRYCTL");
}

namespace {
bool g_skipped = false;
}

bool strictTests()
{
    return qEnvironmentVariable("FERRY_STRICT_TESTS") == u"1" || qEnvironmentVariable("CI") == u"true";
}

void noteSkip()
{
    g_skipped = true;
}

int suiteExitCode(int qtestResult)
{
    // Every test has run once this is called; what is left is the process's own exit. A suite
    // once passed all its tests and then hung there until ctest's timeout, with nothing to say
    // where. If the exit takes over a minute, the stacks go to stderr (gdb, where installed)
    // and the suite fails with 124, so the next hang names its cause.
    std::thread([] {
        std::this_thread::sleep_for(std::chrono::seconds(60));
        std::fprintf(stderr, "FERRY: the suite hung for 60 s after its last test, in exit; stacks follow\n");
        std::fflush(stderr);
        const std::string gdb = "gdb -p " + std::to_string(::getpid()) + " -batch -ex 'thread apply all bt' 1>&2 2>/dev/null";
        if (std::system("command -v gdb >/dev/null 2>&1") == 0)
            (void)std::system(gdb.c_str());
        ::_exit(124);
    }).detach();
    return qtestResult == 0 && g_skipped ? 77 : qtestResult;
}

QString findProgram(const QString &name)
{
    return QStandardPaths::findExecutable(name);
}

} // namespace ferry::test
