// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Where a plan's history is kept: the plan key store:, or the file beside the plan.

#include "parse/inputfile.h"
#include "plan/plan.h"
#include "plan/planyaml.h"

#include <QDir>
#include <QFileInfo>
#include <QUrl>
#include <QUrlQuery>

#include <yaml-cpp/yaml.h>

namespace ferry {

namespace {

QString besidePlan(const QString &planPath)
{
    const QFileInfo fi(planPath);
    return fi.absoluteDir().filePath(fi.completeBaseName() + QStringLiteral(".ferry.db"));
}

} // namespace

QString resolveStoreLocation(const QString &value, const QString &planDir, QString *error)
{
    const QString v = value.trimmed();
    if (v.isEmpty()) {
        *error = QStringLiteral("store is empty: a PostgreSQL URL (postgresql://user@host/db) or a database file");
        return {};
    }
    if (v.contains(QLatin1String("://"))) {
        const QUrl url(v);
        if (!url.isValid() || (url.scheme() != u"postgresql" && url.scheme() != u"postgres")) {
            *error = QStringLiteral("store '%1' is not a PostgreSQL URL (postgresql://user@host:port/dbname)").arg(url.scheme() + u':');
            return {};
        }
        // libpq takes a password as a query item too (?password=): kept out of the plan as well.
        const QUrlQuery query(url);
        for (const auto &[key, item] : query.queryItems())
            if (key.compare(QStringLiteral("password"), Qt::CaseInsensitive) == 0) {
                *error =
                    QStringLiteral("store holds a password (?password=): keep it out of the plan (PGPASSWORD, ~/.pgpass or PGPASSFILE)");
                return {};
            }
        if (!url.password().isEmpty()) {
            *error = QStringLiteral("store holds a password: keep it out of the plan (PGPASSWORD, ~/.pgpass or PGPASSFILE)");
            return {};
        }
        return v;
    }
    return QDir(planDir).absoluteFilePath(v);
}

QString Plan::storeLocation() const
{
    return store.isEmpty() ? besidePlan(path) : store;
}

QString storeLocationForPlan(const QString &planPath)
{
    try {
        QString unreadable;
        const std::optional<QByteArray> text = readInputFile(planPath, inputlimit::Plan, &unreadable);
        const YAML::Node root = YAML::Load(text ? text->toStdString() : std::string());
        if (root.IsMap() && root["store"] && root["store"].IsScalar()) {
            QString ignored;
            const QString location = resolveStoreLocation(planyaml::str(root["store"]), QFileInfo(planPath).absolutePath(), &ignored);
            if (!location.isEmpty())
                return location;
        }
    } catch (const YAML::Exception &) {
        // Plan::load says what is wrong with the file; the default stands meanwhile.
    }
    return besidePlan(planPath);
}

QString chooseStoreLocation(const QString &given, const QString &planPath)
{
    if (!given.isEmpty())
        return given;
    if (!planPath.isEmpty())
        return storeLocationForPlan(planPath);
    return qEnvironmentVariable("FERRY_DB");
}

} // namespace ferry
