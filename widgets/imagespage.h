#pragma once

#include <QMap>
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;
class QTextBrowser;
class QTimer;

namespace ferry {

class Store;
class SyncMatrixModel;

// The sync matrix: filter as you type, filter by state, sort by any column, and the
// selected row's cells, reasons and digest history in a detail panel.
class ImagesPage : public QWidget
{
    Q_OBJECT
public:
    explicit ImagesPage(SyncMatrixModel *model, QWidget *parent = nullptr);

    // The detail panel reads a tag's history from here (may be null).
    void setStore(Store *store) { m_store = store; }
    void showState(const QString &state);
    void focusFilter();
    QTableView *view() const { return m_view; }
    QTextBrowser *details() const { return m_details; }
    QLineEdit *filterEdit() const { return m_filter; }
    // Registry name -> host[:port], for full references (from the plan).
    void setRegistryHosts(const QMap<QString, QString> &hosts) { m_hosts = hosts; }
    // What the context menu copies for a cell: its digest, and host/repository:tag@digest
    // (repository:tag@digest without a known host). Empty where the cell has no digest.
    QString digestAt(const QModelIndex &index) const;
    QString referenceAt(const QModelIndex &index) const;

private:
    void applyFilter();
    void updateCount();
    void showDetails();

    SyncMatrixModel *m_model;
    Store *m_store = nullptr;
    QLineEdit *m_filter;
    QComboBox *m_state;
    QLabel *m_count;
    QTableView *m_view;
    QTextBrowser *m_details;
    QTimer *m_debounce;
    QMap<QString, QString> m_hosts;
};

} // namespace ferry
