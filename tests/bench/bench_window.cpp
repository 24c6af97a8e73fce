// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The dashboard opened on a large store: time to the window, time until the matrix is in
// the model, and the process's memory (peak, and settled a few seconds later, sampled from
// /proc every 100 ms while the pages read their data).
// Usage: bench_window DATABASE [SETTLE_SECONDS=5]   (make one: bench_store 1000 1000 --out FILE)
// DATABASE may be a postgresql:// URL (tests/bench/store_engines.sh).
#include "gui/mainwindow.h"
#include "store/store.h"
#include "syncmatrixmodel.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>
#include <QTimer>

#include "benchutil.h"

using namespace ferry;
using ferry::bench::peakRssMiB;

namespace {

long currentRssMiB()
{
    QFile f(QStringLiteral("/proc/self/status"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    for (const QByteArray &line : f.readAll().split('\n'))
        if (line.startsWith("VmRSS:"))
            return line.mid(6).trimmed().split(' ').value(0).toLong() / 1024;
    return -1;
}

} // namespace

int main(int argc, char *argv[])
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setOrganizationName(QStringLiteral("ferry-bench")); // not the user's settings
    QTextStream out(stdout);
    const QStringList a = app.arguments();
    if (a.size() < 2 || !(QFile::exists(a[1]) || Store::isServerLocation(a[1]))) {
        out << "usage: bench_window DATABASE [SETTLE_SECONDS]  (bench_store 1000 1000 --out FILE makes one)" << Qt::endl;
        return 2;
    }
    const int settle = a.size() > 2 ? a[2].toInt() : 5;
    QElapsedTimer t;
    t.start();
    long sampledPeak = 0;
    QTimer sampler;
    // FERRY_BENCH_TIMELINE=1: the resident memory every second, to see which read costs what.
    const bool timeline = qEnvironmentVariableIntValue("FERRY_BENCH_TIMELINE") == 1;
    int ticks = 0;
    QObject::connect(&sampler, &QTimer::timeout, &app, [&] {
        const long now = currentRssMiB();
        sampledPeak = qMax(sampledPeak, now);
        if (timeline && ++ticks % 10 == 0)
            out << "  " << ticks / 10 << " s: " << now << " MiB" << Qt::endl;
    });
    sampler.start(100);
    MainWindow window(QString(), a[1]);
    window.resize(1280, 800);
    window.show();
    const qint64 windowMs = t.elapsed();
    qint64 matrixMs = -1;
    auto measured = [&] {
        matrixMs = t.elapsed();
        QTimer::singleShot(settle * 1000, &app, &QCoreApplication::quit);
    };
    if (window.matrixLoading())
        QObject::connect(&window, &MainWindow::matrixLoaded, &app, measured);
    else
        measured();
    QTimer::singleShot(600'000, &app, &QCoreApplication::quit); // a bound, whatever happens
    app.exec();
    out << "rows in the model:   " << window.model()->totalRows() << "\n"
        << "window shown:        " << windowMs << " ms\n"
        << "matrix in the model: " << matrixMs << " ms\n"
        << "memory: peak " << peakRssMiB() << " MiB (sampled " << sampledPeak << " MiB), " << settle << " s after the matrix "
        << currentRssMiB() << " MiB" << Qt::endl;
    return matrixMs < 0 ? 1 : 0;
}
