#pragma once

#include <QCoreApplication>
#include <QGuiApplication>
#include <QString>
#include <QTest>

namespace ferry::test {

// The offscreen platform and a fixed DPI, so that no test depends on a display.
void prepareEnvironment();

// ../shared/reference/fixtures (FERRY_FIXTURES_DIR); empty when absent.
QString fixturesDir();
QString supportDir();
// ferryctl built next to the tests (FERRYCTL).
QString ferryctlPath();
// A program from PATH, or empty.
QString findProgram(const QString &name);

} // namespace ferry::test

#define FERRY_TEST_MAIN(TestObject)                                \
    int main(int argc, char *argv[])                               \
    {                                                              \
        ferry::test::prepareEnvironment();                         \
        QCoreApplication app(argc, argv);                          \
        TestObject tc;                                             \
        return QTest::qExec(&tc, argc, argv);                      \
    }

#define FERRY_TEST_MAIN_GUI(TestObject)                            \
    int main(int argc, char *argv[])                               \
    {                                                              \
        ferry::test::prepareEnvironment();                         \
        QGuiApplication app(argc, argv);                           \
        TestObject tc;                                             \
        return QTest::qExec(&tc, argc, argv);                      \
    }

#define FERRY_TEST_MAIN_WIDGETS(TestObject)                        \
    int main(int argc, char *argv[])                               \
    {                                                              \
        ferry::test::prepareEnvironment();                         \
        QApplication app(argc, argv);                              \
        TestObject tc;                                             \
        return QTest::qExec(&tc, argc, argv);                      \
    }
