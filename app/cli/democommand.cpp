// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferryctl demo: the demo's registries from the installed files (share/ferry/demo), with no
// source tree. The demo itself is a Python script; this finds it next to the binary, checks
// that what it needs is installed, and hands over to it.

#include "cli/cliregistry.h"
#include "cli/commands.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>

#include <cerrno>
#include <cstring>
#include <unistd.h>
#include <vector>

namespace ferry::cli {

namespace {

// The demo's scripts: FERRY_DEMO_DIR, else <prefix>/share/ferry/demo beside bin/ (the build
// tree has the same layout: the build copies them to <build>/share/ferry/demo).
QString demoDirectory()
{
    if (qEnvironmentVariableIsSet("FERRY_DEMO_DIR"))
        return qEnvironmentVariable("FERRY_DEMO_DIR");
    const QDir bin(QCoreApplication::applicationDirPath());
    for (const QString &candidate : {QStringLiteral("../share/ferry/demo"), QStringLiteral("../../share/ferry/demo")}) {
        const QString dir = QDir::cleanPath(bin.filePath(candidate));
        if (QFileInfo::exists(dir + QStringLiteral("/demo.py")))
            return dir;
    }
    return QString();
}

// Debian's Python, whose modules the package recommends (python3-jwt, python3-cryptography):
// a python3 of pyenv or a virtualenv earlier on PATH would not see them.
QString python()
{
    return QFileInfo::exists(QStringLiteral("/usr/bin/python3")) ? QStringLiteral("/usr/bin/python3")
                                                                 : QStandardPaths::findExecutable(QStringLiteral("python3"));
}

// What the demo needs that a desktop install may lack: (program or python module, Debian package).
QStringList missingPackages()
{
    QStringList missing;
    if (python().isEmpty())
        missing.append(QStringLiteral("python3"));
    const QList<QPair<QString, QString>> programs{{QStringLiteral("docker-registry"), QStringLiteral("docker-registry")},
                                                  {QStringLiteral("openssl"), QStringLiteral("openssl")},
                                                  {QStringLiteral("htpasswd"), QStringLiteral("apache2-utils")}};
    for (const auto &[program, package] : programs)
        if (QStandardPaths::findExecutable(program).isEmpty())
            missing.append(package);
    if (!missing.contains(QStringLiteral("python3"))) {
        const QList<QPair<QString, QString>> modules{{QStringLiteral("jwt"), QStringLiteral("python3-jwt")},
                                                     {QStringLiteral("cryptography"), QStringLiteral("python3-cryptography")}};
        for (const auto &[module, package] : modules) {
            QProcess probe;
            probe.start(python(), {QStringLiteral("-c"), QStringLiteral("import ") + module});
            if (!probe.waitForFinished(30000) || probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0)
                missing.append(package);
        }
    }
    return missing;
}

} // namespace

int runDemo(const QStringList &args, QTextStream &out, QTextStream &err)
{
    CommandParser p;
    p.setApplicationDescription(QStringLiteral(
        "Starts local registries playing the RFC's cast (a Docker Hub stand-in, the target, a China replica, a pull-through "
        "cache, an old registry and an HTTP chart repository), over TLS with token and Basic auth on 127.0.0.1, writes a plan "
        "for them and opens the dashboard at once: the first scan, new releases, the replica's lag and an outage then play "
        "in the window. Without a display it prints the status table. Everything stops when the window closes (or on Ctrl-C)."));
    p.addOption({QStringLiteral("workdir"),
                 QStringLiteral("Keep the registries' data, the plan and the database in <dir> (default: a "
                                "temporary directory, removed at the end)."),
                 QStringLiteral("dir")});
    p.addOption({QStringLiteral("no-gui"), QStringLiteral("Print the status table instead of opening the window.")});
    p.addOption({QStringLiteral("serve"),
                 QStringLiteral("Open no window: print the plan's path as soon as the registries answer ("
                                "\"[demo] plan: FILE\"), play the story, then serve until stopped.")});
    p.addOption({QStringLiteral("page"), QStringLiteral("The page the window opens on."), QStringLiteral("page")});
    p.addOption({QStringLiteral("screenshot"), QStringLiteral("Write a PNG of the window once the story has played, and quit."),
                 QStringLiteral("file")});
    if (const int rc = parseCommand(p, QStringLiteral("demo"), args, out, err); rc >= 0)
        return rc;
    const QString dir = demoDirectory();
    if (dir.isEmpty()) {
        err << "ferryctl demo: the demo's files are not installed (looked for share/ferry/demo/demo.py beside "
            << QCoreApplication::applicationDirPath() << "; FERRY_DEMO_DIR overrides)" << Qt::endl;
        return ExitNotFound;
    }
    if (const QStringList missing = missingPackages(); !missing.isEmpty()) {
        err << "ferryctl demo: the demo needs " << missing.join(QStringLiteral(", ")) << ", which " << (missing.size() == 1 ? "is" : "are")
            << " not installed.\nInstall with: sudo apt install " << missing.join(u' ') << Qt::endl;
        return ExitNotFound;
    }
    // With a display, the window runs the demo (ferry --demo starts ferryctl demo --serve): it
    // opens as soon as the registries answer and shows the story in its status bar.
    const bool display = qEnvironmentVariableIsSet("DISPLAY") || qEnvironmentVariableIsSet("WAYLAND_DISPLAY");
    const QString ferry = QStandardPaths::findExecutable(QStringLiteral("ferry"), {QCoreApplication::applicationDirPath()});
    QStringList argv;
    if (display && !ferry.isEmpty() && !p.isSet(QStringLiteral("serve")) && !p.isSet(QStringLiteral("no-gui")) &&
        !p.isSet(QStringLiteral("screenshot"))) {
        argv << ferry << QStringLiteral("--demo");
        if (p.isSet(QStringLiteral("workdir")))
            argv << QStringLiteral("--demo-workdir") << p.value(QStringLiteral("workdir"));
        if (p.isSet(QStringLiteral("page")))
            argv << QStringLiteral("--page") << p.value(QStringLiteral("page"));
    } else {
        argv << python() << dir + QStringLiteral("/demo.py") << QStringLiteral("--bin") << QCoreApplication::applicationDirPath();
        for (const QString &name : {QStringLiteral("workdir"), QStringLiteral("page"), QStringLiteral("screenshot")})
            if (p.isSet(name))
                argv << QStringLiteral("--") + name << p.value(name);
        for (const QString &name : {QStringLiteral("no-gui"), QStringLiteral("serve")})
            if (p.isSet(name))
                argv << QStringLiteral("--") + name;
    }
    out.flush();
    err.flush();
    std::vector<QByteArray> bytes;
    for (const QString &a : argv)
        bytes.push_back(a.toLocal8Bit());
    std::vector<char *> cargv;
    for (QByteArray &b : bytes)
        cargv.push_back(b.data());
    cargv.push_back(nullptr);
    ::execv(cargv.front(), cargv.data()); // the demo takes over this process: Ctrl-C and SIGTERM reach it
    err << "ferryctl demo: cannot start " << argv.constFirst() << ": " << QString::fromLocal8Bit(std::strerror(errno)) << Qt::endl;
    return ExitNotFound;
}

} // namespace ferry::cli
