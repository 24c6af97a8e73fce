#pragma once

#include <QMap>
#include <QWidget>

class QGridLayout;
class QLabel;

namespace ferry {

class SyncMatrixModel;

// Where the migration stands: rows per state, each a link to the matrix behind it, and
// the share of promised tags synced to the target.
class OverviewPage : public QWidget
{
    Q_OBJECT
public:
    explicit OverviewPage(SyncMatrixModel *model, QWidget *parent = nullptr);
    void refresh();

Q_SIGNALS:
    void stateActivated(const QString &state);

private:
    SyncMatrixModel *m_model;
    QLabel *m_headline;
    QGridLayout *m_tiles;
    QMap<QString, QLabel *> m_counts;
};

} // namespace ferry
