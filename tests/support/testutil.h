// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include <QByteArray>
#include <QElapsedTimer>
#include <QFuture>
#include <QProcessEnvironment>
#include <QStringList>
#include <QTest>

namespace ferry::test {

struct Run
{
    int exitCode = -1; // -1: did not start or timed out, -2: crashed
    QByteArray out;
    QByteArray err;
};

// Writes text to path, creating the directories it needs; false when it cannot.
bool writeFile(const QString &path, const QByteArray &text);

// Runs a program to its end (bounded), with input on stdin.
Run run(const QString &program, const QStringList &args, const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment(),
        const QByteArray &input = {}, int timeoutMs = 120'000);

// Waits for a future while the test's event loop runs; a future that never finishes is a
// hang, and the test stops there instead of waiting for ctest's timeout.
template<typename T>
T await(QFuture<T> f, int timeoutMs = 60'000)
{
    QElapsedTimer t;
    t.start();
    while (!f.isFinished() && t.elapsed() < timeoutMs)
        QTest::qWait(5);
    if (!f.isFinished())
        qFatal("future did not finish within %d ms", timeoutMs);
    return f.result();
}

} // namespace ferry::test
