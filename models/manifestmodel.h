// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#pragma once

#include "parse/manifest.h"

#include <QAbstractTableModel>

namespace ferry {

// The descriptors of one manifest as a table: the children of an index, or the config and
// layers of an image, and its subject. Feeds the detail panel's "what is inside" view.
class ManifestModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { PartColumn, MediaTypeColumn, PlatformColumn, DigestColumn, SizeColumn, NumColumns };
    enum Role { SortRole = Qt::UserRole, DigestRole };

    explicit ManifestModel(QObject *parent = nullptr);

    void setManifest(const Manifest &manifest);
    const Manifest &manifest() const { return m_manifest; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Row
    {
        QString part;
        Descriptor descriptor;
    };
    Manifest m_manifest;
    QList<Row> m_rows;
};

} // namespace ferry
