{
  'targets': [
    {
      'target_name': 'trawl',
      'sources': [
        'src/addon.cc',
        'src/errors.cc',
        'src/record_batch.cc',
        'src/capture_source.cc',
        'src/libpcap_reader.cc',
        'src/pcapng_reader.cc',
        'src/read_worker.cc',
        'src/reader.cc',
        'src/writer.cc',
        'src/dump_file.cc',
        'src/direct_file.cc',
        'src/packet_socket.cc',
        'src/ring_capture.cc',
        'src/capture_session.cc',
      ],
      'include_dirs': ["<!(node -p \"require('node-addon-api').include_dir\")"],
      'defines': [
        'NAPI_VERSION=8',
        'NAPI_CPP_EXCEPTIONS',
        # A worker terminated mid-read must not abort the process: an error its AsyncWorker or
        # ThreadSafeFunction cannot throw into a dying environment is dropped.
        'NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS',
        'NODE_API_NO_EXTERNAL_BUFFERS_ALLOWED',
        'NODE_ADDON_API_DISABLE_DEPRECATED',
        '_FILE_OFFSET_BITS=64',
      ],
      'cflags!': ['-fno-exceptions'],
      'cflags_cc!': ['-fno-exceptions', '-std=gnu++17', '-std=gnu++20'],
      'cflags': ['-Wall', '-Wextra', '-Werror', '-fstack-protector-strong', '-fvisibility=hidden'],
      'cflags_cc': ['-std=c++20', '-fexceptions', '-Wall', '-Wextra', '-Werror', '-fstack-protector-strong'],
      'libraries': ['-lpcap'],
    },
    {
      'target_name': 'trawl-capture-helper',
      'type': 'executable',
      'sources': ['helper/trawl-capture-helper.c'],
      'cflags': ['-Wall', '-Wextra', '-Werror', '-fstack-protector-strong', '-O2', '-D_FORTIFY_SOURCE=2'],
      'ldflags': ['-Wl,-z,relro,-z,now'],
    },
  ],
}
