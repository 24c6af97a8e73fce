// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "cli/commands.h"

#include <QCoreApplication>
#include <QGuiApplication>
#include <QTextStream>

#include <cstdio>
#include <unistd.h>
#if defined(__SANITIZE_ADDRESS__)
#include <sanitizer/lsan_interface.h>
#endif
#include <cstring>
#include <memory>

int main(int argc, char *argv[])
{
    // Reports lay out text and draw charts with QPainter: fonts need a QGuiApplication, which
    // the offscreen platform provides without a display (no Widgets, no QApplication).
    // Everything else stays a QCoreApplication.
    std::unique_ptr<QCoreApplication> app;
    if (argc > 1 && std::strcmp(argv[1], "report") == 0) {
        if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
            qputenv("QT_QPA_PLATFORM", "offscreen");
        app = std::make_unique<QGuiApplication>(argc, argv);
    } else {
        app = std::make_unique<QCoreApplication>(argc, argv);
    }
    QCoreApplication::setApplicationName(QStringLiteral("ferryctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FERRY_VERSION));
    QCoreApplication::setOrganizationDomain(QStringLiteral("io.github.ferry"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    const int rc = ferry::cli::runFerryctl(QCoreApplication::arguments(), out, err);
    out.flush();
    err.flush();
    std::fflush(nullptr);
    app.reset(); // Qt's own teardown (fonts of a report's QGuiApplication) as on a normal exit
    // Every object of the command is gone by now (network threads joined, stores closed).
    // Leave without atexit handlers: QThread::wait() returns before a Qt network thread has
    // run its thread-local destructors, and OpenSSL's atexit cleanup then frees that
    // thread's state under it (seen under AddressSanitizer as a double free at exit, once in
    // a few hundred TLS runs). A sanitizer build checks for leaks first, as exit would.
#if defined(__SANITIZE_ADDRESS__)
    __lsan_do_leak_check();
#endif
    ::_exit(rc);
}
