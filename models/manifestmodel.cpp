// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "manifestmodel.h"

#include "columntitles.h"

#include <QLocale>

namespace ferry {

ManifestModel::ManifestModel(QObject *parent)
    : QAbstractTableModel(parent)
{ }

void ManifestModel::setManifest(const Manifest &manifest)
{
    beginResetModel();
    m_manifest = manifest;
    m_rows.clear();
    if (manifest.config)
        m_rows.append({tr("config"), *manifest.config});
    for (const Descriptor &d : manifest.layers)
        m_rows.append({tr("layer"), d});
    for (const Descriptor &d : manifest.children) {
        const bool attestation = d.platform && d.platform->isUnknown();
        m_rows.append({attestation ? tr("attestation") : tr("platform"), d});
    }
    if (manifest.subject)
        m_rows.append({tr("subject"), *manifest.subject});
    endResetModel();
}

int ManifestModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int ManifestModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : NumColumns;
}

QVariant ManifestModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const Row &row = m_rows.at(index.row());
    const Descriptor &d = row.descriptor;
    if (role == DigestRole)
        return d.digest;
    if (role == SortRole && index.column() == SizeColumn)
        return d.size;
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (index.column()) {
    case PartColumn: return row.part;
    case MediaTypeColumn: return d.mediaType;
    case PlatformColumn: return d.platform && !d.platform->isUnknown() ? d.platform->toString() : QString();
    case DigestColumn: return d.digest;
    case SizeColumn: return d.size < 0 ? QString() : QLocale().formattedDataSize(d.size);
    default: return {};
    }
}

QVariant ManifestModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    static const std::array<const char *, NumColumns> titles{QT_TR_NOOP("Part"), QT_TR_NOOP("Media type"), QT_TR_NOOP("Platform"),
                                                             QT_TR_NOOP("Digest"), QT_TR_NOOP("Size")};
    return columnTitle(staticMetaObject, titles, section, orientation, role);
}

} // namespace ferry
