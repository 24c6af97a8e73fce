// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QCoreApplication>
#include <QGuiApplication>
#include <QString>
#include <QTest>

namespace ferry::test {

// The offscreen platform and a fixed DPI, so that no test depends on a display.
void prepareEnvironment();

// tests/fixtures (FERRY_FIXTURES_DIR); empty when absent.
QString fixturesDir();
QString supportDir();
// ferryctl built next to the tests (FERRYCTL).
QString ferryctlPath();
// A program from PATH, or empty.
QString findProgram(const QString &name);

// Skips count: a suite with a skip exits 77, which ctest reports as skipped, never as
// passed. Under FERRY_STRICT_TESTS=1 (installer/setup.sh test) or CI=true a skip is a
// failure: CI installs everything the tests need, so a missing tool is a broken setup.
bool strictTests();
void noteSkip();
int suiteExitCode(int qtestResult);

} // namespace ferry::test

#define FERRY_SKIP(reason)                                                                                                                 \
    do {                                                                                                                                   \
        if (::ferry::test::strictTests())                                                                                                  \
            QFAIL(qPrintable(QStringLiteral("not skipped under FERRY_STRICT_TESTS: ") + (reason)));                                        \
        ::ferry::test::noteSkip();                                                                                                         \
        QSKIP(qPrintable(reason));                                                                                                         \
    } while (false)

#define FERRY_TEST_MAIN(TestObject)                                                                                                        \
    int main(int argc, char *argv[])                                                                                                       \
    {                                                                                                                                      \
        ferry::test::prepareEnvironment();                                                                                                 \
        QCoreApplication app(argc, argv);                                                                                                  \
        TestObject tc;                                                                                                                     \
        return ferry::test::suiteExitCode(QTest::qExec(&tc, argc, argv));                                                                  \
    }

#define FERRY_TEST_MAIN_GUI(TestObject)                                                                                                    \
    int main(int argc, char *argv[])                                                                                                       \
    {                                                                                                                                      \
        ferry::test::prepareEnvironment();                                                                                                 \
        QGuiApplication app(argc, argv);                                                                                                   \
        TestObject tc;                                                                                                                     \
        return ferry::test::suiteExitCode(QTest::qExec(&tc, argc, argv));                                                                  \
    }

#define FERRY_TEST_MAIN_WIDGETS(TestObject)                                                                                                \
    int main(int argc, char *argv[])                                                                                                       \
    {                                                                                                                                      \
        ferry::test::prepareEnvironment();                                                                                                 \
        QApplication app(argc, argv);                                                                                                      \
        TestObject tc;                                                                                                                     \
        return ferry::test::suiteExitCode(QTest::qExec(&tc, argc, argv));                                                                  \
    }
