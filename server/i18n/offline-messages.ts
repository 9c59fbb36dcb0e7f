/** Messages of offline entry (the queue, its sync and conflicts) and of photos, in Chinese and English. */
export const offlineMessages = {
  // Photo API errors
  'error.PhotoNotFound': { zh: '未找到照片 {id}', en: 'Photo {id} not found' },
  'error.PhotoNotImage': { zh: '只能上传图片（JPEG、PNG、WebP、HEIC 等），该文件不是图片', en: 'Only images can be uploaded (JPEG, PNG, WebP, HEIC …); this file is not an image' },
  'error.PhotoTooLarge': { zh: '照片不能超过 {mb} MB', en: 'A photo must be at most {mb} MB' },
  'error.PhotoNotMultipart': { zh: '照片应以 multipart/form-data 上传，文件放在 file 字段', en: 'Send the photo as multipart/form-data with the file in the "file" field' },
  'error.PhotoUnreadable': { zh: '无法读取上传的内容', en: 'The upload cannot be read' },
  'photo.v.noFile': { zh: '请选择一张照片（表单字段 file）', en: 'choose a photo (form field "file")' },
  'photo.v.observationNotOfPlot': { zh: '观测记录 {id} 不属于该小区', en: 'observation {id} does not belong to this plot' },

  // Photos on pages
  'photo.title': { zh: '照片', en: 'Photos' },
  'photo.add': { zh: '拍照', en: 'Take photo' },
  'photo.keepLocation': { zh: '保留拍摄位置', en: 'Keep location' },
  'photo.of': { zh: '{plot} 的照片', en: 'Photo of {plot}' },
  'photo.none': { zh: '暂无照片', en: 'No photos yet' },

  // The offline queue on the trial page
  'offline.pending': { zh: '{count} 条待同步', en: '{count} pending sync' },
  'offline.lastSync': { zh: '上次同步：{time}', en: 'Last synced: {time}' },
  'offline.never': { zh: '尚未同步', en: 'Not synced yet' },
  'offline.offline': { zh: '无网络：保存的数据先存在本机，联网后自动同步', en: 'Offline: saved entries stay on this device and sync by themselves when the network is back' },
  'offline.queued': { zh: '已存入本机 {count} 条，联网后自动同步', en: '{count} entries kept on this device; they sync when the network is back' },
  'offline.syncNow': { zh: '立即同步', en: 'Sync now' },
  'offline.syncing': { zh: '正在同步…', en: 'Syncing…' },
  'offline.synced': { zh: '已同步 {count} 条', en: '{count} synced' },
  'offline.waitingMark': { zh: '待同步', en: 'pending' },
  'offline.refused': { zh: '服务器未接受：{message}', en: 'Refused by the server: {message}' },
  'offline.signIn': { zh: '登录已过期，待同步的数据仍在本机；请登录后继续同步', en: 'Your session has expired; pending entries are kept on this device. Sign in to continue syncing' },
  'offline.signInLink': { zh: '登录', en: 'Sign in' },
  'offline.discard': { zh: '删除这条', en: 'Discard' },
  'offline.conflictTitle': { zh: '该单元格已被他人修改', en: 'Someone else changed this cell' },
  'offline.mine': { zh: '我的值', en: 'Mine' },
  'offline.theirs': { zh: '服务器上的值', en: 'On the server' },
  'offline.keepMine': { zh: '保留我的', en: 'Keep mine' },
  'offline.keepTheirs': { zh: '保留服务器的', en: 'Keep theirs' },
  'offline.photoPending': { zh: '照片待上传', en: 'photo pending upload' },
  'offline.install': { zh: '可添加到手机主屏幕，离线也能录入', en: 'Add to your home screen to enter data offline' },
} as const;
