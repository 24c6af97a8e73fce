// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The first run of an installed Ferry: no plan given and none used before. The window offers
// to open a plan, to import a retagger skopeo-sync file, or to start the demo; the demo's
// registries start (ferryctl demo --serve, from the build tree's share/ferry/demo, the
// installed layout), the window opens its plan as soon as they answer and follows the scans
// the demo writes from another process; closing the window stops the demo.

#include "gui/mainwindow.h"
#include "gui/welcomepage.h"
#include "plan/plan.h"
#include "registryfarm.h"
#include "syncmatrixmodel.h"
#include "testmain.h"
#include "testutil.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QPushButton>
#include <QScopeGuard>
#include <QSettings>
#include <QStatusBar>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QToolBar>

#include <csignal>
#include <memory>

using namespace ferry;
using namespace ferry::test;

class TestFirstRun : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        qputenv("XDG_CONFIG_HOME", m_dir.filePath(QStringLiteral("config")).toLocal8Bit()); // the remembered plan
    }

    void welcomeWhenThereIsNothingToShow()
    {
        MainWindow first{QString(), QString()};
        QCOMPARE(first.currentPage(), first.welcomePage());
        for (const char *name : {"welcome-open", "welcome-import", "welcome-demo"})
            QVERIFY2(first.welcomePage()->findChild<QPushButton *>(QString::fromLatin1(name)), name);
        // A database alone (ferry --db) is something to show: its figures.
        MainWindow withDb{QString(), m_dir.filePath(QStringLiteral("only.db"))};
        QVERIFY(withDb.currentPage() != withDb.welcomePage());
    }

    void importWritesAPlanAndOpensIt()
    {
        const QString sync = m_dir.filePath(QStringLiteral("skopeo-docker-io.yaml"));
        QVERIFY(writeFile(sync, "docker.io:\n  images:\n    giantswarm/app-operator: []\n    alpine: [\"3.19\"]\n"));
        MainWindow window{QString(), QString()};
        QString error;
        // A target that is not a host is refused and nothing opens.
        QVERIFY(!window.welcomePage()->importSkopeoSync(sync, QStringLiteral("gsoci.azurecr.io/giantswarm"), QString(),
                                                        m_dir.filePath(QStringLiteral("bad.yaml")), &error));
        QVERIFY2(error.contains(u"host name"), qPrintable(error));
        QCOMPARE(window.currentPage(), window.welcomePage());
        const QString plan = m_dir.filePath(QStringLiteral("plan.yaml"));
        QVERIFY2(
            window.welcomePage()->importSkopeoSync(sync, QStringLiteral("gsoci.azurecr.io"), QStringLiteral("giantswarm"), plan, &error),
            qPrintable(error));
        QVERIFY(window.workspace()->plan());
        QCOMPARE(window.workspace()->plan()->images.size(), 2);
        QVERIFY(window.windowTitle().contains(u"plan.yaml"));
        QVERIFY(window.currentPage() != window.welcomePage());
        QVERIFY(QFile::exists(m_dir.filePath(QStringLiteral("plan.ferry.db"))));
        // The next start without arguments opens it again (main.cpp reads plan/last).
        QCOMPARE(QSettings().value(QStringLiteral("plan/last")).toString(), plan);
    }

    // The demo from the window: its plan opens as soon as its registries answer, the matrix
    // fills from the scans the demo's ferryctl writes, and closing the window stops it all.
    void demoPlaysInTheWindow()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        QTemporaryDir work;
        const auto leaveNothing = qScopeGuard([&work] { // however the test ends
            for (const QString &pid : processesMentioning(work.path()))
                ::kill(pid_t(pid.toLongLong()), SIGKILL);
        });
        auto window = std::make_unique<MainWindow>(QString(), QString());
        window->show();
        window->welcomePage()->startDemo(work.path());
        QVERIFY(window->welcomePage()->demoRunning());
        const qint64 pid = window->welcomePage()->demoPid();
        QVERIFY(pid > 0);
        QTRY_VERIFY_WITH_TIMEOUT(window->workspace()->plan() != nullptr || !window->welcomePage()->demoRunning(), 180'000);
        QVERIFY2(window->workspace()->plan(), qPrintable(window->welcomePage()->status()));
        QVERIFY(window->windowTitle().contains(u"leave-docker-hub"));
        QVERIFY(window->currentPage() != window->welcomePage());
        // The demo's plan goes with the demo: the next start does not reopen it.
        QVERIFY(QSettings().value(QStringLiteral("plan/last")).toString() != window->workspace()->plan()->path);
        // Rows arrive from the demo's first scan, written by another process.
        QTRY_VERIFY_WITH_TIMEOUT(window->model()->totalRows() > 100, 180'000);
        // The story goes on in the status bar.
        QTRY_VERIFY_WITH_TIMEOUT(window->statusBar()->currentMessage().startsWith(u"Demo: "), 120'000);
        // The target's TLS face, from the demo's plan: it answers now, and not once the window is gone.
        const PlanRegistry *gsoci = window->workspace()->plan()->registry(QStringLiteral("gsoci"));
        QVERIFY(gsoci);
        const QUrl url = gsoci->config.baseUrl;
        QTcpSocket before;
        before.connectToHost(QStringLiteral("127.0.0.1"), quint16(url.port()));
        QVERIFY(before.waitForConnected(5000));
        before.abort();
        QVERIFY(!processesMentioning(work.path()).isEmpty());
        window.reset();
        QVERIFY2(::kill(pid_t(pid), 0) != 0, "the demo still runs after its window closed");
        // None of its registries is left (asked of the processes, not of the port: another
        // test running beside this one may bind the port the demo let go).
        QTRY_VERIFY_WITH_TIMEOUT(processesMentioning(work.path()).isEmpty(), 20000);
    }

    // `ferry --demo` ended by SIGTERM (a logout, a service manager, kill) stops its demo as closing
    // the window does: no registry of the demo's is left running. Before, the window died at
    // once and the demo, in a process group of its own, kept serving.
    void aStopSignalEndsTheDemoToo()
    {
        FERRY_REQUIRE_REGISTRY_TOOLS();
        QTemporaryDir work;
        const auto leaveNothing = qScopeGuard([&work] { // however the test ends
            for (const QString &pid : processesMentioning(work.path()))
                ::kill(pid_t(pid.toLongLong()), SIGKILL);
        });
        QProcess ferry;
        ferry.setProcessChannelMode(QProcess::ForwardedErrorChannel);
        ferry.setStandardOutputFile(QProcess::nullDevice());
        ferry.start(QFileInfo(ferryctlPath()).dir().filePath(QStringLiteral("ferry")),
                    {QStringLiteral("--demo"), QStringLiteral("--demo-workdir"), work.path()});
        QVERIFY(ferry.waitForStarted(10000));
        // The demo's registries serve once its plan is written.
        QTRY_VERIFY_WITH_TIMEOUT(QFile::exists(work.filePath(QStringLiteral("leave-docker-hub.yaml"))), 180'000);
        QVERIFY(!processesMentioning(work.path()).isEmpty());
        ::kill(pid_t(ferry.processId()), SIGTERM);
        QVERIFY(ferry.waitForFinished(30000));
        QCOMPARE(ferry.exitStatus(), QProcess::NormalExit);
        QTRY_VERIFY_WITH_TIMEOUT(processesMentioning(work.path()).isEmpty(), 20000);
    }

private:
    // The processes whose command line names path (the demo's registries name their work dir).
    static QStringList processesMentioning(const QString &path)
    {
        QStringList out;
        const QDir proc(QStringLiteral("/proc"));
        for (const QString &pid : proc.entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
            if (!pid.front().isDigit())
                continue;
            QFile cmdline(proc.filePath(pid + QStringLiteral("/cmdline")));
            if (cmdline.open(QIODevice::ReadOnly) && cmdline.readAll().contains(path.toLocal8Bit()))
                out << pid;
        }
        return out;
    }
};

FERRY_TEST_MAIN_WIDGETS(TestFirstRun)
#include "tst_firstrun.moc"
