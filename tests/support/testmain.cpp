// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "testmain.h"

#include <QDir>
#include <QStandardPaths>

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
    return qtestResult == 0 && g_skipped ? 77 : qtestResult;
}

QString findProgram(const QString &name)
{
    return QStandardPaths::findExecutable(name);
}

} // namespace ferry::test
