// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// ferry-clidoc: writes the man pages and the bash, zsh and fish completions of ferry and
// ferryctl from the parsers the commands build (cli/commandtable.h). Run by the build; its
// output is installed, never edited.
//
//   ferry-clidoc --out DIR [--date YYYY-MM-DD]
//   DIR/man/{ferry,ferryctl,ferryctl-<command>}.1, DIR/completions/{ferryctl.bash,_ferryctl,
//   ferryctl.fish,ferry.bash,_ferry,ferry.fish}, DIR/cli-reference.md
//   ferry-clidoc --markdown FILE: only the markdown reference (docs/cli-reference.md)

#include "clidoc/clidoc.h"

#include <QCoreApplication>
#include <QDate>
#include <QDir>
#include <QFile>
#include <QTextStream>

#include <cstdio>

namespace {

bool write(const QString &path, const QString &text)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate)) {
        std::fprintf(stderr, "ferry-clidoc: cannot write %s: %s\n", qPrintable(path), qPrintable(f.errorString()));
        return false;
    }
    f.write(text.toUtf8());
    return f.error() == QFileDevice::NoError;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationVersion(QStringLiteral(FERRY_VERSION));
    const QStringList args = QCoreApplication::arguments();
    const auto valueOf = [&args](const QString &option) {
        const qsizetype i = args.indexOf(option);
        return i > 0 ? args.value(i + 1) : QString();
    };
    const QString out = valueOf(QStringLiteral("--out"));
    const QString markdown = valueOf(QStringLiteral("--markdown"));
    if (out.isEmpty() && markdown.isEmpty()) {
        std::fprintf(stderr, "usage: ferry-clidoc --out DIR [--date YYYY-MM-DD] | --markdown FILE\n");
        return 2;
    }
    QString date = QDate::currentDate().toString(Qt::ISODate);
    if (const qsizetype i = args.indexOf(QStringLiteral("--date")); i > 0 && i + 1 < args.size())
        date = args.at(i + 1);

    QString error;
    const auto docs = ferry::clidoc::collect(&error);
    if (!docs) {
        std::fprintf(stderr, "ferry-clidoc: %s\n", qPrintable(error));
        return 1;
    }
    if (!markdown.isEmpty())
        return write(markdown, ferry::clidoc::markdownReference(*docs)) ? 0 : 1;
    const QDir dir(out);
    if (!dir.mkpath(QStringLiteral("man")) || !dir.mkpath(QStringLiteral("completions"))) {
        std::fprintf(stderr, "ferry-clidoc: cannot create %s\n", qPrintable(out));
        return 1;
    }
    const QString version = QStringLiteral(FERRY_VERSION);
    bool ok = true;
    for (const auto &[name, text] : ferry::clidoc::manPages(*docs, version, date).asKeyValueRange())
        ok = write(dir.filePath(QStringLiteral("man/") + name), text) && ok;
    const QList<std::pair<QString, QString>> files{
        {QStringLiteral("ferryctl.bash"), ferry::clidoc::bashCompletion(*docs, QStringLiteral("ferryctl"))},
        {QStringLiteral("ferry.bash"), ferry::clidoc::bashCompletion(*docs, QStringLiteral("ferry"))},
        {QStringLiteral("_ferryctl"), ferry::clidoc::zshCompletion(*docs, QStringLiteral("ferryctl"))},
        {QStringLiteral("_ferry"), ferry::clidoc::zshCompletion(*docs, QStringLiteral("ferry"))},
        {QStringLiteral("ferryctl.fish"), ferry::clidoc::fishCompletion(*docs, QStringLiteral("ferryctl"))},
        {QStringLiteral("ferry.fish"), ferry::clidoc::fishCompletion(*docs, QStringLiteral("ferry"))},
    };
    for (const auto &[name, text] : files)
        ok = write(dir.filePath(QStringLiteral("completions/") + name), text) && ok;
    ok = write(dir.filePath(QStringLiteral("cli-reference.md")), ferry::clidoc::markdownReference(*docs)) && ok;
    return ok ? 0 : 1;
}
