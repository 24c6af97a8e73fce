#include "cli/commands.h"

#include <QCoreApplication>
#include <QTextStream>

#include <cstdio>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("ferryctl"));
    QCoreApplication::setApplicationVersion(QStringLiteral(FERRY_VERSION));
    QCoreApplication::setOrganizationDomain(QStringLiteral("io.github.ferry"));
    QTextStream out(stdout);
    QTextStream err(stderr);
    const int rc = ferry::cli::runFerryctl(QCoreApplication::arguments(), out, err);
    out.flush();
    err.flush();
    return rc;
}
